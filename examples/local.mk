# examples: sources, tests and programs of this part
# MATLAB's house_dataset with trainlm (fitnet(10)): reads the Boston housing
# CSV of Debian's python3-sklearn in place (NB_BOSTON_CSV overrides the path);
# exits 77, a skip, when the file is absent.
noinst_PROGRAMS += examples/house_lm
TESTS += examples/house_lm
examples_house_lm_CPPFLAGS = -I$(top_srcdir)/include
examples_house_lm_LDADD = $(LDADD) -lm
