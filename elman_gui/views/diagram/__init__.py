"""The network diagram: layout, scene, labels, legend and hover."""
