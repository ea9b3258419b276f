"""The features of Bao bì xanh, one module each."""
