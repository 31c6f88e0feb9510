"""The agent: the tool loop, the tools, prompt composition and the run workflows."""
