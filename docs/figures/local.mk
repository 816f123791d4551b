# The tutorial's pictures (docs/figures/*.svg, committed) and the check that
# its output blocks are what the programs print.
#
# `make tutorial-figures` runs the examples in a scratch folder and draws
# their DOT files with Graphviz's dot into docs/figures/ of the sources:
# chain_rule.svg (examples/chain_rule) and bp_by_hand.svg
# (examples/bp_by_hand --dot).  Commit the result.
TUTORIAL_FIGURES = docs/figures/chain_rule.svg docs/figures/bp_by_hand.svg
docfigures_DATA += docs/figures/bp_by_hand.svg
.PHONY: tutorial-figures
tutorial-figures: examples/chain_rule examples/bp_by_hand
	@test -n '$(DOT)' || { echo 'tutorial-figures: Graphviz dot was not found by configure' >&2; exit 1; }
	rm -rf tutorial-figures.tmp && mkdir tutorial-figures.tmp
	cd tutorial-figures.tmp && ../examples/chain_rule > /dev/null && ../examples/bp_by_hand --dot > /dev/null
	$(DOT) -Tsvg tutorial-figures.tmp/chain_rule.dot -o $(top_srcdir)/docs/figures/chain_rule.svg
	$(DOT) -Tsvg tutorial-figures.tmp/bp_by_hand.dot -o $(top_srcdir)/docs/figures/bp_by_hand.svg
	rm -rf tutorial-figures.tmp
	@echo "tutorial-figures: wrote $(TUTORIAL_FIGURES) in $(top_srcdir)"

# tests/check_tutorial.sh: each output block of the two tutorials is what
# the command named before it prints (see the script)
TESTS += tests/check_tutorial.sh
EXTRA_DIST += tests/check_tutorial.sh
check_tutorial_environment = NB_TUTORIAL_SRCDIR='$(abs_top_srcdir)'; \
  NB_TUTORIAL_TOP_SRCDIR='$(top_srcdir)'; export NB_TUTORIAL_SRCDIR NB_TUTORIAL_TOP_SRCDIR;
AM_TESTS_ENVIRONMENT += $(check_tutorial_environment)
