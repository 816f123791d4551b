# src/optim: sources, tests and programs of this part
