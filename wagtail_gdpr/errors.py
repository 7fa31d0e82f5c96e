"""The exception every refusal of the add-on's services derives from."""


class Refused(Exception):
    """An action the service will not take now; ``message`` is safe to show to whoever asked.

    Messages are written for the person reading them (a member, a visitor, staff) and hold no
    personal data beyond what that person gave.
    """

    def __init__(self, message):
        super().__init__(message)
        self.message = message
