# examples: sources, tests and programs of this part
# Tutorial (docs/tutorial.md): the anomaly-mode example, a smoke test like
# the other teaching examples (compiled as user code so that its call sites
# are recorded), and `make tutorial-figures`, which re-draws the tutorial's
# picture from a run of examples/chain_rule (needs Graphviz's dot).
noinst_PROGRAMS += examples/anomaly
TESTS += examples/anomaly
examples_anomaly_CPPFLAGS = -I$(top_srcdir)/include
EXTRA_DIST += docs/figures/chain_rule.svg
.PHONY: tutorial-figures
tutorial-figures: examples/chain_rule
	@test -n '$(DOT)' || { echo 'tutorial-figures: Graphviz dot was not found by configure' >&2; exit 1; }
	rm -rf tutorial-figures.tmp && mkdir tutorial-figures.tmp
	cd tutorial-figures.tmp && ../examples/chain_rule > /dev/null
	$(DOT) -Tsvg tutorial-figures.tmp/chain_rule.dot -o $(top_srcdir)/docs/figures/chain_rule.svg
	rm -rf tutorial-figures.tmp
