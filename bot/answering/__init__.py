"""Answering: understanding a question, composing a cited answer from the records and the index.

No Bot Framework or HTTP here: `bot.teams` renders and serves what this package answers.
"""
