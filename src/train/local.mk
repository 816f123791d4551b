# src/train: the training loop, evaluation and progress output.  Its tests
# are in tests/local.mk, its public header in include/local.mk.
libnabla_impl_la_SOURCES += \
	src/train/train_internal.h \
	src/train/evaluate.c \
	src/train/progress.c \
	src/train/train.c \
	src/train/checkpoint.c
# what MATLAB's full-batch training functions share; Levenberg-Marquardt:
# trainlm, trainbr
libnabla_impl_la_SOURCES += src/train/fullbatch.c src/train/lm_solve.c src/train/trainlm.c
# gradient descent: traingd, traingdm, traingdx
libnabla_impl_la_SOURCES += src/train/traingd.c
# scaled conjugate gradient: trainscg
libnabla_impl_la_SOURCES += src/train/trainscg.c
# MATLAB's builders (feedforwardnet, fitnet, patternnet), regression R, confusion
libnabla_impl_la_SOURCES += src/train/net.c src/train/metrics.c
