"""The public portal (公开门户): what the bureau chooses to publish of the plan, readable without login."""
