print("ebsd")
