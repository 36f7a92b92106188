"""The paper-figure, hidden-space and dendrogram views."""
