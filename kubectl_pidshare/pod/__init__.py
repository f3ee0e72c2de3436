"""What happens inside the Pod: where a script runs, the scripts themselves (sh/), what they
print parsed, and each process attributed to its container."""
