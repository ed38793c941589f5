"""The blog on the fediverse: ActivityPub actors, signed delivery, and replies as comments."""
