"""Yearly chores: scaffolding a new unit (``new_unit``, ``custom_scaffold``), a new year from a
valid earlier one (``new_year``) and a new period from another (``new_period``) — prepared in
memory, validated, written without ever overwriting.

May import: core, data, parts, checks, building, kolada.
"""
