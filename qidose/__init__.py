"""qidose: size quality-improvement training by the dosing principle."""

__version__ = "0.1.0"
