"""The pieces of a model schema: columns and tensors."""
