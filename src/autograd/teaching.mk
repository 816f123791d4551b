# src/autograd: sources, tests and programs of this part
