"""Chat models behind the ChatModel port: OpenAI and Anthropic SDKs, scripted and replayed.

Nothing is imported here on purpose: the vendor SDKs are optional extras, so
`factory.build_chat_model` imports the adapter a model id names only when it is used.
"""
