"""Bringing state in from other feed readers (today: newsboat).

Each reader gets a subpackage of pure readers (its files into plain records)
and a plan (those records into what Gazette would create, with every line
that cannot come along and why); only the facade writes.
"""
