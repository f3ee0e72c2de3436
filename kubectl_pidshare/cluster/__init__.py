"""Reaching the API server as kubectl does: kubeconfig, flags over it, credentials, the
connection, the HTTP and websocket client, and the Pods a command targets."""
