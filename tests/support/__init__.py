"""What the test modules share and are not tests themselves: real servers and processes to start,
clients to act through, and checks used by more than one module. Test modules import from here
(and take fixtures from tests/conftest.py), never from each other."""
