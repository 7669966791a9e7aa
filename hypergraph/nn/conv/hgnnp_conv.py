"""HGNN+ convolution (Gao et al., TPAMI 2022), mean/mean two-stage message passing."""

from __future__ import annotations

from hypergraph.nn.conv.hgnn_conv import HGNNConv


class HGNNPConv(HGNNConv):
    r"""The two-stage spatial convolution of `HGNN+ <https://ieeexplore.ieee.org/document/9795251>`_
    with mean aggregation in both stages:

    .. math::
        m_e = w_e \frac{1}{|e|} \sum_{v \in e} (x_v \Theta), \qquad
        x'_v = \frac{1}{d_v} \sum_{e \ni v} m_e + b, \qquad d_v = \sum_{e \ni v} w_e

    i.e. :math:`X' = D_v^{-1} H W D_e^{-1} H^\top X \Theta + b`.  The hyperedge message is the
    members' mean *multiplied* by :math:`w_e`; the node update *divides* by the weighted degree
    (DHG multiplies instead, a known bug).  With unit weights this is also the row-normalised
    operator of HCHA and of EHGNN's convolution.

    Args:
        in_channels: input feature size.
        out_channels: output feature size.
        bias: learn an additive bias.
        cached: build the normalised operator once and reuse it (transductive training).

    Shapes:
        - **input:** node features :math:`(N, F_{in})`, hyperedge_index :math:`(2, nnz)`,
          hyperedge_weight :math:`(M)` *(optional)*, node_degree :math:`(N)` and
          hyperedge_degree :math:`(M)` *(optional: replace* :math:`d_v`, :math:`|e|` *, e.g. the
          full-graph degrees of a mini-batch)*
        - **output:** node features :math:`(N, F_{out})`
    """

    kind = "hgnnp"
