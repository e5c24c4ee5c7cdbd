"""Classification: data, language, urgent cues, model training, inference and evaluation."""
