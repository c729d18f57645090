"""Training records: lesson progress, quiz attempts, certificates (built in the training issue)."""
