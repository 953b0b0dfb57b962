"""The peers `bench/chat_load.py` runs beside the product with the same client and the same load."""
