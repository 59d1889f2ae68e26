"""The editorial workflow of the magazine (author → editor → editor-in-chief).

``models`` holds the final approval task and the articles approved while their issue is not
live; ``services`` ensures the workflow and publishes an issue with its approved articles.
Nothing is imported here: ``ocim.publishing.models`` imports ``.models`` while it loads.
"""
