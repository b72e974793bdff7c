"""Units: the nation, regions, provinces of both generations and agencies; their names, how what a
person types resolves to a unit, the 2025 merger (atoms of each unit) and province boundaries."""
