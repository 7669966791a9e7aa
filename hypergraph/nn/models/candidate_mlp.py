"""SHyRe's candidate classifier: the one-hidden-layer MLP of scikit-learn's ``MLPClassifier``."""

from __future__ import annotations

import torch
from torch import Tensor, nn


class CandidateMLP(nn.Module):
    """``Linear(F, hidden) -> ReLU -> Linear(hidden, 1)``, scikit-learn's initialisation."""

    def __init__(self, in_channels: int, hidden_channels: int = 100) -> None:
        super().__init__()
        self.fc1 = nn.Linear(in_channels, hidden_channels)
        self.fc2 = nn.Linear(hidden_channels, 1)
        for layer in (self.fc1, self.fc2):  # Glorot-uniform as sklearn with ReLU (factor 6)
            fan_in, fan_out = layer.weight.shape[1], layer.weight.shape[0]
            bound = (6.0 / (fan_in + fan_out)) ** 0.5
            nn.init.uniform_(layer.weight, -bound, bound)
            nn.init.uniform_(layer.bias, -bound, bound)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc2(torch.relu(self.fc1(x))).squeeze(-1)
