# src/nn: sources, tests and programs of this part
