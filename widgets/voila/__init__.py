"""voila"""
