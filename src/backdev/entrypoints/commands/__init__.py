"""One module per `backdev` command: convert input, call one use case, render."""
