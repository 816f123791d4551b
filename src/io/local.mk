# src/io: sources, tests and programs of this part
