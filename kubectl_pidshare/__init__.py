"""kubectl pidshare: the processes of a Pod that shares its process namespace, per container."""

__version__ = "0.1.0"
