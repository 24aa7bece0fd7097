"""The shared child plan: agency involvements, outcomes, actions and GP notifications."""
