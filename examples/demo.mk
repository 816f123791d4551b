# examples: the Fashion-MNIST demo and the iris classifier
