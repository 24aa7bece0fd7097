"""The minutes of a meeting, per child on the agenda: what was said and decided, the actions
agreed, a plan started from the minutes, the family's version, and marking the minutes complete."""
