# examples: sources, tests and programs of this part
