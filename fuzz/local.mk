# fuzz: libFuzzer targets for every loader (fuzz/README.md).  A normal build
# never compiles them: `make fuzz` (scripts/fuzz.sh) configures a clang build
# of the library with -fsanitize=fuzzer-no-link,address,undefined in
# fuzz/clang/ under the build folder, builds them there (`make fuzz-build`),
# writes the seed corpora and runs each target for FUZZ_SECONDS (default 60).
FUZZ_TARGETS = fuzz/fuzz_csv fuzz/fuzz_idx fuzz/fuzz_tensor_file fuzz/fuzz_model
EXTRA_PROGRAMS = $(FUZZ_TARGETS) fuzz/fuzz_seeds
FUZZ_CPPFLAGS = -I$(top_srcdir)/include
FUZZ_LDADD = libnabla_impl.la $(ZLIB_LIBS) -lm
FUZZ_LINK_FLAGS = -fsanitize=fuzzer

fuzz_fuzz_csv_SOURCES = fuzz/fuzz_csv.c fuzz/fuzz_util.c fuzz/fuzz_util.h
fuzz_fuzz_csv_CPPFLAGS = $(FUZZ_CPPFLAGS)
fuzz_fuzz_csv_LDADD = $(FUZZ_LDADD)
fuzz_fuzz_csv_LDFLAGS = $(FUZZ_LINK_FLAGS)

fuzz_fuzz_idx_SOURCES = fuzz/fuzz_idx.c fuzz/fuzz_util.c fuzz/fuzz_util.h
fuzz_fuzz_idx_CPPFLAGS = $(FUZZ_CPPFLAGS)
fuzz_fuzz_idx_LDADD = $(FUZZ_LDADD)
fuzz_fuzz_idx_LDFLAGS = $(FUZZ_LINK_FLAGS)

fuzz_fuzz_tensor_file_SOURCES = fuzz/fuzz_tensor_file.c fuzz/fuzz_util.c fuzz/fuzz_util.h
fuzz_fuzz_tensor_file_CPPFLAGS = $(FUZZ_CPPFLAGS)
fuzz_fuzz_tensor_file_LDADD = $(FUZZ_LDADD)
fuzz_fuzz_tensor_file_LDFLAGS = $(FUZZ_LINK_FLAGS)

fuzz_fuzz_model_SOURCES = fuzz/fuzz_model.c fuzz/fuzz_util.c fuzz/fuzz_util.h
fuzz_fuzz_model_CPPFLAGS = $(FUZZ_CPPFLAGS)
fuzz_fuzz_model_LDADD = $(FUZZ_LDADD)
fuzz_fuzz_model_LDFLAGS = $(FUZZ_LINK_FLAGS)

# the seed writer is an ordinary program (no libFuzzer main)
fuzz_fuzz_seeds_SOURCES = fuzz/fuzz_seeds.c fuzz/fuzz_util.c fuzz/fuzz_util.h
fuzz_fuzz_seeds_CPPFLAGS = $(FUZZ_CPPFLAGS)
fuzz_fuzz_seeds_LDADD = $(FUZZ_LDADD)

EXTRA_DIST += fuzz/README.md fuzz/crashers

fuzz-build: $(FUZZ_TARGETS) fuzz/fuzz_seeds

# Without clang (exit status 77) the run is skipped with a message, not
# failed.  The build folder has a fuzz/ folder, so the rule is forced (a
# .PHONY here would clash with the conditional one of another fragment).
fuzz: fuzz-force
	@FUZZ_SECONDS='$(FUZZ_SECONDS)' $(SHELL) '$(top_srcdir)/scripts/fuzz.sh' '$(abs_builddir)/fuzz' || \
	  { rc=$$?; test $$rc -eq 77 || exit $$rc; }
fuzz-force:

