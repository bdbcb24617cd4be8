"""The pages of paying providers, one module per part of the claim's life."""
