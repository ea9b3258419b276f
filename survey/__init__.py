"""The features of Bao bì xanh: the domain (rules, figures, sync, imports) and the web that serves it."""
