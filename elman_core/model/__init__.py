"""The network itself: settings, activations, the step trace and the compiled kernels."""
