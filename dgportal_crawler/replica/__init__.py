"""A deterministic replica of the Houjie (厚街镇) sub-site of www.dg.gov.cn.

``Replica`` renders every page on request from a seed (no files written); ``serve`` runs it
on 127.0.0.1 with Twisted; ``ReplicaServer`` does so in a child process for tests.
The DOM contract is docs/templates.md.
"""

from .model import COLUMNS, ReplicaColumn
from .process import ReplicaServer, ReplicaServerError
from .server import serve
from .site import Replica, ReplicaResponse

__all__ = [
    "COLUMNS", "Replica", "ReplicaColumn", "ReplicaResponse", "ReplicaServer",
    "ReplicaServerError", "serve",
]
