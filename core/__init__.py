"""The ground floor: settings, the error hierarchy and file helpers that every other package uses."""
