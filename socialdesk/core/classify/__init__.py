"""The classifier: training data, language, urgent cues, the Welsh gloss, building models
(training.py), serving them (classifier.py) and evaluating them."""
