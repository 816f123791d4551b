# Teaching examples: small complete programs, also run by `make check` as
# smoke tests (each exits non-zero when what it demonstrates does not hold).
# They are compiled as user code (no NB_BUILDING_LIBRARY), so the call-site
# macros record their file:line in every node.
noinst_PROGRAMS += examples/bp_by_hand examples/chain_rule examples/custom_op
TESTS += examples/bp_by_hand examples/chain_rule examples/custom_op
examples_bp_by_hand_CPPFLAGS = -I$(top_srcdir)/include
examples_bp_by_hand_LDADD = $(LDADD) -lm
examples_chain_rule_CPPFLAGS = -I$(top_srcdir)/include
examples_custom_op_CPPFLAGS = -I$(top_srcdir)/include
CLEANFILES += chain_rule.dot chain_rule.svg
