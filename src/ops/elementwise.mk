# src/ops: sources, tests and programs of this part
