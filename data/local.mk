# data: the small bundled data sets, installed in $(pkgdatadir) (share/nabla),
# where the installed examples and the man page's examples read them
# (nabla.pc's pkgdatadir variable names the folder).
pkgdata_DATA = data/iris.csv data/README.md
