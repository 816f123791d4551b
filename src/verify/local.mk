# src/verify: sources, tests and programs of this part
