from django.db.models import CharField, EmailField
from django.db.models.functions import Lower

# `username__lower=` and `email__lower=` match the case-insensitive unique
# indexes (lower(username), lower(email)), so lookups by them are indexed.
CharField.register_lookup(Lower)
EmailField.register_lookup(Lower)
