package dev.sparkmnist.model;

import dev.sparkmnist.nn.Network;

/** A network together with its {@code model.json} description. */
public record SavedModel(Network network, ModelMetadata metadata) {
}
