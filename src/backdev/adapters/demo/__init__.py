"""The bundled demo: a sample service, a careless change, and recorded model sessions."""
