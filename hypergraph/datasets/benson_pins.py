"""Pinned facts of Benson's temporal simplicial datasets (ScHoLP-Data): URL commit, sizes, sha256.

``BENSON_DATASETS`` lists the 19 datasets of Benson et al. (PNAS 2018); the loader is
:func:`hypergraph.datasets.benson.load_benson`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

__all__ = ["BENSON_DATASETS", "BensonDataset", "SCHOLP_DATA_COMMIT"]

SCHOLP_DATA_COMMIT = "c830836d89870e41c665bfbac60adac42c766970"
_BASE_URL = f"https://raw.githubusercontent.com/arbenson/ScHoLP-Data/{SCHOLP_DATA_COMMIT}"
_KINDS = ("nverts", "simplices", "times")


@dataclass(frozen=True)
class BensonDataset:
    """One dataset of the paper.

    ``sha256`` maps a file kind (``nverts``, ``simplices``, ``times``, ``node-labels``) to the
    digest of its upstream ``.txt.gz`` (known for the files of the offline snapshot, which are
    byte-identical to upstream); ``text_sha256`` the digest of the decompressed text, so that a
    plain-text copy (``NAME-kind.txt``) or a re-compressed one is verified too.  Without a digest
    the file is pinned by the commit URL only and the parsed data are checked against
    ``num_nodes`` / ``num_simplices`` (the authors' summary statistics) instead.  ``node_labels``:
    True / False, or None where it is not known whether upstream has a node-label file (a missing
    one is then tolerated).
    """

    name: str
    num_nodes: int
    num_simplices: int
    node_labels: bool | None
    sha256: dict
    text_sha256: dict = field(default_factory=dict)

    def url(self, kind: str) -> str:
        return f"{_BASE_URL}/{self.name}/{self.name}-{kind}.txt.gz"

    def kinds(self) -> tuple[str, ...]:
        return _KINDS + (("node-labels",) if self.node_labels is not False else ())


def _ds(name: str, n_nodes: int, n_simplices: int, labels: bool | None, **sha: str) -> BensonDataset:
    return BensonDataset(name, n_nodes, n_simplices, labels, {k.replace("_", "-"): v for k, v in sha.items()})


# Sizes from ScHoLP-Tutorial output/summary-stats (nnodes = distinct nodes, nsimps = simplices).
BENSON_DATASETS: dict[str, BensonDataset] = {
    d.name: d
    for d in [
        _ds(
            "email-Enron",
            143,
            10883,
            True,
            nverts="1990254c76b2a6c0d19b9037ea6a311baf10ce7343e46a9be6f242762119f889",
            simplices="caa6044fab648c83b8b8ecb6f5051423d321f3f2a7b1f3dc6b6c8e4ace4566ef",
            times="8d69352d94655487f029ed0ac3049207fb1c8604786d35a1f2885a3eeee25bcb",
            node_labels="b2522a71b88a5c08aa0d8cec184b76cb8d3123789a5ae82b8e48e18d2b2e5ade",
        ),
        _ds(
            "email-Eu",
            998,
            234760,
            False,
            nverts="293c1d03e00ca7f3f9f0d16cd0b07b63e6c6ea0e1e3c36b3b175228c166bcc2b",
            simplices="9503ada29552aab6fad6e9ac9bf8c6412b1a95da1c6d4241b6aa1175f8bb9c00",
            times="abd62a7c80341e2f6235124a0d86d71ebca8cdc53e87829ac4918235b2f76d56",
        ),
        _ds(
            "contact-primary-school",
            242,
            106879,
            False,
            nverts="2929d917b74784dde1ccfb823ffc4fe7add2cad2def16875389d913a723bbbd9",
            simplices="c1e6331f02b6d256abad242e590c0469acc899881ba014e397ec000716c9ff2e",
            times="0b6d7c72b5f4197bf30bc5b0c75b9d624ac43d6570b0a77215ce2ae4db7b71ea",
        ),
        _ds(
            "contact-high-school",
            327,
            172035,
            False,
            nverts="14161db20545136bbc616b93570abcf0b7aa970bcf01a59fa93734ce3ac616da",
            simplices="4b3d65ffcd3ec19ad74a4e7ba37678519153bee2a765ec9a39f9796902e38523",
            times="6a748520b78a6567bbb1d9941372d10f03de6d9be2c66aed74f74047d3b0bb8e",
        ),
        _ds(
            "NDC-classes",
            1161,
            49724,
            True,
            nverts="69dc314ab410643c4c0b430bd9dde361ae877f48d401f0b4342153ce3ca33522",
            simplices="8e1706ed874983865ea2143eb2e27ceacc6d86e1caf9688441d866ef1a9374ca",
            times="db7bbe741ef2f1c849dd7dd9973ca79b2a34e42be003493fdbf6c9b423d1f922",
            node_labels="5daa54284c6bba742e96ccc49fbf533bd15b5f89645fe0c18d14f8bb47d348b9",
        ),
        _ds(
            "NDC-substances",
            5311,
            112405,
            True,
            nverts="ca28dac9fcf1f06af3ca6fc315d28eb45e75ea42790676f506a9cb6fb7a5ba7a",
            simplices="aa4688369939820cc62d37f855a416b78f0d5ae494459d9754795fe1d2542b11",
            times="612a958267341028d94e4d9b284d8ca4c12eb3bffa79fb4b21ee253075f14133",
            node_labels="c0161d0d4cb0fdee5d71efb654aea6e4ffd6d1dfcddc71b559ff2340ae761d96",
        ),
        _ds(
            "tags-math-sx",
            1629,
            822059,
            True,
            nverts="6a66dfd6ec9d30d3b2ebb8fc43854df61a7c2a0b00949b25a5d6af1df2341b3c",
            simplices="789527a9d171d06c36ec592fd4af053eabc004a2f5ece8bf7ec2e4111be18924",
            times="fb28e5f4eaf3ae6d6432dd660cac1e0c85152e5c86f77efc08df05399bbae457",
            node_labels="7d659e122ffb207750aa2b04cf5e9c8adb0ca0d720d82df22bc85ab58f65d85e",
        ),
        _ds(
            "tags-ask-ubuntu",
            3029,
            271233,
            True,
            nverts="7bc77dbdbd74367f349355990cbcb3c1900bdf8d7022147c7004f22505ceb02c",
            simplices="459a0cb2188b27f044ce9c9035f2c94304ea031175b17bd8a3f7acc413a687db",
            times="49c9efcd6d9026e845ae57cb536979a9c7ac2d2413705b32e3f99d4a5ed8a3f8",
            node_labels="4ca110fbbd16b25d74829c5516c08537f3a45a62233869f4c878d7ec6de463c4",
        ),
        _ds(
            "threads-ask-ubuntu",
            125602,
            192947,
            False,
            nverts="55c72dbde517e34878987fd9e6c64a738e2a370a4ad9c0bc9ccceeedef1acce2",
            simplices="39ecf26b74202eee1984f7b0bb8e1e0a5c84573e15aaed48ff45784f976c315f",
            times="5133946d65141a8a0d0c7c0db70d817cb3a8ec64d3071e7b727da9d630d3034d",
        ),
        _ds(
            "congress-bills",
            1718,
            260851,
            True,
            nverts="1eb594cd8ca0a67f80a5c65cb888a397163b6594d9d4d47d73f47f1ef5e81b25",
            simplices="9bf93c8af8e6baac3a0d808e0d62027bd54ab50812b5fe1be079fd9c0c63df5a",
            times="289632e0c9d42c1ae4556bd9268e0cac3484893285d67d6e31ffdd78f3f5a401",
            node_labels="86ef0021b68b56076ae22f6168aed93bbf023d2ffd7179de534c85333f9efc6b",
        ),
        # Not in the offline snapshot: pinned by commit URL, checked by size after parsing.
        _ds("coauth-DBLP", 1924991, 3700067, None),
        _ds("coauth-MAG-Geology", 1256385, 1590335, None),
        _ds("coauth-MAG-History", 1014734, 1812511, None),
        _ds("DAWN", 2558, 2272433, None),
        _ds("congress-committees", 863, 679, None),
        _ds("music-rap-genius", 56832, 224878, None),
        _ds("tags-stack-overflow", 49998, 14458875, None),
        _ds("threads-math-sx", 176445, 719792, False),
        _ds("threads-stack-overflow", 2675955, 11305343, False),
    ]
}

# sha256 of the decompressed text of every pinned .txt.gz (computed from the offline copies, whose
# .gz digests are the pinned ones above), in the order nverts, simplices, times[, node-labels].
_TEXT_SHA256 = {
    "email-Enron": (
        "a1411e6310ebd197884ef2b7fdd11013dc18746f6ce71b5b26fe8e09fe5ed032",
        "3024b89401b4e09dd9b1961b411ce048bda30304f3da1bd1457a95081c154827",
        "ded0d24aa880b6bc54c74f79c63850b615d2d1aafd544f6ced519745beeb1d6a",
        "c7736c35eef5a6c0319d5e1d1ba2b514edc9078832c60d00ee983cdbd61ff64d",
    ),
    "email-Eu": (
        "bf45f1fa3d9b6361747c046aaf00b396e93093a5d3d71156959226603bccb6a3",
        "ef83cf6db0ef26d336f199d7c02c2903fef38a92c2876f6b1de607e3e71f0818",
        "d850ee7a885c86345691013f609c70009c6e27e5bdc0824414f89bbd7cca4c01",
    ),
    "contact-primary-school": (
        "b9a9f5d87508b0811b3626dee34d3c28f9317897db33efedd584a8e3b9a9226f",
        "6a50bb9cd6744915986f93ff248ff557849dbcef7b17568c692c4e8740497cfb",
        "b4244cf4b6c8febf3a33caa74f82521ee551da35e06172565eb7f7d6cb7aea0d",
    ),
    "contact-high-school": (
        "00c16332961640f158f7651dec7fed9b69d4a0da2446f9c5fcd8af5c9f53bb9e",
        "35241fd536981339e67717c9a9c820ffd81225d93ec4a0950532e2d636011bbe",
        "d11e5acb07755f3d5603fc4f7b4593bab139824c1c9c1d4a4a67e157deaf9786",
    ),
    "NDC-classes": (
        "73f6903f3979c27f68f68496917fa1b9713b9d755b7fa0e6ea64625b7e13c3dd",
        "17b8f98c9d7825b629da31f0071ca0a0cb569fff41cbe6008dbfa377c4687b5d",
        "c89d584ee744c630efbdf27351acdd054c774530e217c63561b47a5cccc516dc",
        "0848ff4b57f6611d9de6fa43efc672cd348bb537909f66dabb5a8c4f0519ed54",
    ),
    "NDC-substances": (
        "2273675bd61f1c4328d102123b54b0d8f0ddf576c3a16dc2fef38fd12cffe648",
        "eca4a4c329446d306b5707162dbc2eb011880c772512957b717b9e3cca1f2030",
        "4e143d25692759acf738c4e6487282dc1cb321c2087f359991777291a6f53c67",
        "3f0fab9ca80fc2b54e58dbb52a2e4ad00bc7453c7e1e69066027e3b8a91dc1c4",
    ),
    "tags-math-sx": (
        "03259fbd1884ac5465ac02b6585cd697fdf4de85893b2dcab142fb734dfdf03b",
        "a94232097f43a61705c5d0b0f34815f0bc349453a5a28b88731bc44b4ac04494",
        "c645dbaab1815eb756fa6f557a91ca02d1fc0d0c13fdd2019d4f96e1bf10b6df",
        "40f3e704f206e51e2753015604424af289583f51124143b184f600dee1158580",
    ),
    "tags-ask-ubuntu": (
        "cef4488c33fd2201fddd2aa9c0e587e6335d010adf216ccf232061ad1100ff9c",
        "cf1e340a695397c4013c239aa9eb9f0fecf6ff99778d7f9ec6d308c13a801d81",
        "e1b983cc442c3e026c23cfb6dad0c7267072f22bc9ce045a6fa969c0e94a9958",
        "658c55d88cd256b76ab95ccc75189b26a2bbceb387d05a891fe2f5233684ec67",
    ),
    "threads-ask-ubuntu": (
        "1a98a36b1f8c2d0650c90188be7db1aee7bca1aa6a60e649484ce874f18ab01b",
        "ca8895e99c8e6c0a7a453a8faf738a7cef66ebaaba3a2763bd52edfcdb02ffe5",
        "49b5ab914e4cbb905a8ca523f12a53cb345f4aad80dd464cd75a33858c17f763",
    ),
    "congress-bills": (
        "0f1116e1312f1181051473ce558664f1ce1faee2e0c108cfa2eaeab96788d3fe",
        "f0a326e2809209a9e37edf15b65ad9dcf9e16e2d35c8bd487d54baa3e1c52de3",
        "f18923a1f40474fc86240b908921a3854d19de5a42d08570a4cc80a57a96357b",
        "ce90b1d455c2eca74de8971239bf90d39e119e3978d765904fe3bf0da3459d47",
    ),
}
for _name, _digests in _TEXT_SHA256.items():
    _kinds = (*_KINDS, "node-labels")[: len(_digests)]
    BENSON_DATASETS[_name] = replace(BENSON_DATASETS[_name], text_sha256=dict(zip(_kinds, _digests)))
