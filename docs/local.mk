# docs: installed with the README in $(docdir) (share/doc/nabla).  They are
# distributed through EXTRA_DIST (the whole folder), so these lists are
# install lists only.
doc_DATA = README.md docs/adding-an-op.md docs/api-conventions.md docs/architecture.md \
	docs/distributed.md docs/errors.md docs/file-format.md docs/kernels.md docs/ops.md \
	docs/tutorial.md docs/tutorial.zh.md docs/verify.md docs/bp_page.html
docfiguresdir = $(docdir)/figures
docfigures_DATA = docs/figures/chain_rule.svg
