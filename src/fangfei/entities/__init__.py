"""Entities (一户一档): enterprises, persons and their bank accounts."""
